"""A line of a paper sheet counted by an organizer, from the chat or the command line: the
petition's commune within their scope, the CIN keyed and sealed, the try audited either way."""

from __future__ import annotations

from conversations.cin import parse_cin
from conversations.groups import Audience
from conversations.paper import Entered, PaperOutcome, PaperSignature
from storage import petitions
from storage.services.authority import Authority
from storage.vault import Vault

ADD_PAPER = "add_paper"


async def add_paper(
    authority: Authority, code: str, paper: PaperSignature, vault: Vault
) -> Entered:
    """Count ``paper`` on the petition ``code`` (storage/petitions.py `sign_on_paper`)."""
    tx = authority.tx
    commune = await tx.run(petitions.commune_of, code)
    if commune is None or await authority.covers(Audience(commune)) is None:
        await authority.audit(ADD_PAPER, code, False)
        return Entered(PaperOutcome.NO_PETITION if commune is None else PaperOutcome.REFUSED)
    cin = parse_cin(paper.cin)
    key, sealed = (vault.key(cin), vault.seal(cin)) if cin else ("", "")
    entered = await tx.run(
        petitions.sign_on_paper, code, paper, key, sealed, authority.organizer, authority.clock()
    )
    await authority.audit(ADD_PAPER, code, entered.outcome is PaperOutcome.ADDED)
    return entered
