"""Data: the bundled data sets by name (:mod:`.datasets`) and the one rule that turns
class labels into targets (:mod:`.labels`: 0/1, −1/+1 for tanh, one-hot rows).

Imports the engine and ``formats`` (for MNIST and CSV files).
"""
