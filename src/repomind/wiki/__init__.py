"""The deep wiki under `.repomind/wiki/`: areas planned from the index, one page each, plus an
overview and an index; LLM-written when a key is set, a structural skeleton otherwise."""
