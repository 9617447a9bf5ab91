# circuits/circuits.mk - make targets of the SFQ design (included by the Makefile).
#   make cells     regenerate docs/sfq_cells.md (delays, margins) from ngspice simulations
#   make sfq-fit   refit the XOR rate model from SPICE and replace the committed one
#                  (circuits/networks/xor_model.txt; `neurocosim spice fit` alone writes
#                  build/rel/results/xor_model.txt)
#   make sfq-xor   run the deep XOR network for all four inputs
.PHONY: cells sfq-fit sfq-xor
cells: $(CLI)  ## regenerate the SFQ cell table docs/sfq_cells.md from simulations
	$(Q)$(CLI) spice table --out docs/sfq_cells.md
sfq-fit: $(CLI)  ## refit the SFQ XOR rate model from SPICE characterisation runs
	$(Q)$(CLI) spice fit --seeds 8 --update-model
sfq-xor: $(CLI)  ## the deep SFQ XOR network: truth table, rates, model, margin
	$(Q)$(CLI) spice xor
