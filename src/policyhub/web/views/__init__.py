"""Pages of the web app; each module is one page or a small family of pages."""
