"""Written approvals: records bound to the media they approve, a hash-chained ledger, the role
policy, and the post-check step that gives every finding its approval state (docs/approvals.md).

Modules: ``model`` (the record), ``ledger`` (read, verify, append under a file lock), ``lock``,
``fingerprint`` (content hashes of files and image sequences, cached), ``policy`` (who may approve
what), ``matching`` (which records apply to a finding), ``state`` (one finding's approval state),
``apply`` (the post-check step over a run), ``sources`` (the ledger and tracker plugins).
"""
