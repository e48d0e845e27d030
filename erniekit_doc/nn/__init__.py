"""Building blocks shared by the models: segment-aware attention, masked losses."""
