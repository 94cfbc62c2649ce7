"""The match pipeline: the state machine (``machine``, pure Python) and its translated labels."""
