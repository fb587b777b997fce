"""Counts QQP pairs whose texts are identical up to case and punctuation, and how many are labelled 0."""
import json
import re
import sys

key = lambda s: re.sub(r"[^a-z0-9]", "", s.lower())
rows = [json.loads(line) for line in open(sys.argv[1])]
same = [r for r in rows if key(r["text_a"]) == key(r["text_b"])]
zeros = sum(r["label"] == 0 for r in same)
print(f"{zeros} of the {len(same)} dev pairs identical up to case and punctuation ({100 * zeros / len(same):.0f}%)")
