"""The WhatsApp channel through Twilio: signed webhook forms in, TwiML and Messages API calls out.
Importing the package loads nothing of twilio or httpx."""
