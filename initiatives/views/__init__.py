"""Views: public browsing (browse.py) and members writing (write.py)."""
