"""Anonymity guard for anonymous succession cases (pure Python: no Flask, no database).

``marketplace.anonymity.guard.find_links`` lists the details of a case that would let a reader
link it to the firm: words shared with the firm's own named postings (product names…), exact
figures (revenue, employees, founding year), names, addresses, URLs, phone numbers and mail
addresses, each with a suggestion (a range instead of an exact figure, the prefecture instead of
the city). The web layer gathers the texts and shows the flags to the poster and the reviewer.
"""
