"""Prototype optimisations for searchidx, applied from outside the package (never edited).

PROTO is a comma-separated list of:
  hascol    - cache whoosh W3PerDocReader.has_column (one os.stat per posting during flush)
  re        - word spans with a precompiled `regex` finditer, no nltk redos wrapper
  stdre     - word spans with stdlib `re` (NOT identical: \\w differs for combining marks)
  nospell   - body field without the separate unstemmed spelling word list
  noscipy   - keep nltk's import from loading scipy/numpy (start-up time)
  count     - exact total while collecting (optimize=False) instead of re-running the query
"""
import os

_FLAGS = set(filter(None, os.environ.get("PROTO", "").split(",")))

if _FLAGS:
    if "noscipy" in _FLAGS:
        # nltk/__init__ imports nltk.collocations -> scipy.stats (~0.8 s); searchidx needs
        # neither. Block scipy/numpy while nltk loads, then let later code import them.
        import sys

        _blocked = [m for m in ("scipy", "numpy") if m not in sys.modules]
        for m in _blocked:
            sys.modules[m] = None
        try:
            import nltk  # noqa: F401
        finally:
            for m in _blocked:
                if sys.modules.get(m) is None:
                    del sys.modules[m]

    if "hascol" in _FLAGS:
        from whoosh.codec import whoosh3

        _orig_has_column = whoosh3.W3PerDocReader.has_column

        def has_column(self, fieldname):
            cache = self.__dict__.setdefault("_proto_hascol", {})
            try:
                return cache[fieldname]
            except KeyError:
                cache[fieldname] = r = _orig_has_column(self, fieldname)
                return r

        whoosh3.W3PerDocReader.has_column = has_column

    import searchidx.analysis as an

    if "re" in _FLAGS or "stdre" in _FLAGS:
        if "stdre" in _FLAGS:
            import re as _re
        else:
            import regex as _re
        _finditer = _re.compile(an.TOKEN_PATTERN).finditer

        def spans(text):
            return (m.span() for m in _finditer(text))

        an.spans = spans

    if "nospell" in _FLAGS:
        import searchidx.schema as sc
        import searchidx.storage as st

        _orig_build = sc.build_schema

        def build_schema(stemmer="porter"):
            schema = _orig_build(stemmer)
            schema["body"].spelling = False
            return schema

        st.build_schema = build_schema
        sc.build_schema = build_schema

    if "count" in _FLAGS:
        from whoosh import searching

        _orig_search = searching.Searcher.search

        def search(self, q, **kw):
            kw.setdefault("optimize", False)
            return _orig_search(self, q, **kw)

        searching.Searcher.search = search
