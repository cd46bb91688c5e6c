"""Exports: lists as CSV or NDJSON, the whole register, and FollowTheMoney entities.

Everything here streams: records are read from the database in keyset batches and
written out as they come, so an export of a large register keeps memory flat.
"""
