"""Publishing a version: the release rules, the changelog, the publication gate, the received files kept out."""
