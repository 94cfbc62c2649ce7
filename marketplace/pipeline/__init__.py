"""The match pipeline: the state machine (pure) that services/pipeline.py applies to rows."""
