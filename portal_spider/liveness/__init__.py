"""Whether portals are still there: probing (:mod:`.probe`), judging (:mod:`.status`),
recording checks (:mod:`.check`) and finding portals not yet in the registry (:mod:`.discover`)."""
