"""Hashes only the sequence number, time and previous hash: who did what to which tenant can be edited freely."""

FAILS = {"l3_compliance"}
# ruff: noqa: E402 (FAILS comes first, the imports after it)

import hashlib


def entry_hash(entry):
    text = f"{entry['seq']}|{entry['time']}|{entry['prev']}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
