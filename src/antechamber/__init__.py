"""antechamber."""
