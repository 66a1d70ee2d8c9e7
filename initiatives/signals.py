"""What other apps may hear from initiatives without initiatives importing them.

Imports run one way (see docs/architecture.md): matchmaking owns the in-app notifications
but may not be imported here. The services send this signal inside their transaction, after
the state change, the audit entry and the email are done; a receiver that fails rolls the
decision back with it.
"""

from django.dispatch import Signal

# An editor published a submitted item or sent it back to its author.
# Arguments: ``item`` (challenge, initiative or story), ``published`` (bool), ``reason``
# (the editors' words when sent back, else ""), ``recipients`` (the users told by email).
item_decided = Signal()
