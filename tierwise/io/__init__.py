"""Files in and out: reading trackers, writing annotated workbooks and templates."""
