"""The Telegram channel: updates in, Bot API calls out, the webhook and polling, at Telegram's
pace and within its limits. Importing the package loads nothing of python-telegram-bot."""
