"""Newsletter: lists with double opt-in, letters and their sending (redac.newsletter.sending),
one-click unsubscribing, bounces (redac.newsletter.bounces).

Double opt-in (CNIL): an address is on the list only after its owner clicks the confirmation link
sent to it, for each list. Tokens are random, single-purpose (a confirmation token cannot unsubscribe and vice
versa) and the confirmation token is stored hashed and used once. The sign-up answer is the same
for known and new addresses, so the form reveals nobody's subscription.
"""
