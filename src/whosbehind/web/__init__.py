"""The web face of whosbehind: pages, JSON API and downloads (``whosbehind serve``)."""
