"""
Optimizers and regularisation compared
======================================

The same network and data, trained six ways: plain SGD (Nielsen's update), momentum,
Adam and RMSprop from :mod:`backproplab.engine.optim`, then SGD with an L2 penalty and
with dropout, each on a validation split. The histories hold the training and validation
losses of every epoch.
"""

# %%
import matplotlib.pyplot as plt

from backproplab import Network, datasets, optim

X, y = datasets.spirals(n_samples=600, noise=0.1, seed=0)
settings = {
    "SGD, η = 0.5": dict(optimizer="sgd", eta=0.5),
    "momentum 0.9, η = 0.05": dict(optimizer=optim.SGD(momentum=0.9), eta=0.05),
    "Adam, η = 0.01": dict(optimizer=optim.Adam(), eta=0.01),
    "RMSprop, η = 0.005": dict(optimizer=optim.RMSprop(), eta=0.005),
    "Adam + L2 (λ = 5)": dict(optimizer="adam", eta=0.01, l2=5.0),
    "Adam + dropout 0.1": dict(optimizer="adam", eta=0.01, dropout=0.1),
}
histories = {}
for name, options in settings.items():
    net = Network([2, 16, 16, 1], activation="tanh", output_activation="sigmoid",
                  cost="cross_entropy", init="xavier", seed=0)
    histories[name] = net.train(X, y, epochs=60, batch_size=20, seed=0,
                                validation_fraction=0.25, **options)
    h = histories[name]
    print(f"{name:<24} training loss {h.loss_epoch[-1]:.3f}, validation loss "
          f"{h.val_loss_epoch[-1]:.3f}, validation accuracy {h.val_accuracy_epoch[-1]:.1%}")

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4), layout="constrained", sharey=True)
for name, h in histories.items():
    left.plot(h.loss_epoch, label=name)
    right.plot(h.val_loss_epoch, label=name)
left.set(title="training loss (cost minimised, penalty included)", xlabel="epoch")
right.set(title="validation loss", xlabel="epoch")
left.set_yscale("log")
right.legend(fontsize=8)
plt.show()
