"""Crime-area domains: each composes the methods with its own data semantics.

``drugs`` (seizure and darknet routes), ``laundering`` (typology rules), ``malware``
(propagation models) and ``slavery`` (shared contact selectors in adverts).
"""
