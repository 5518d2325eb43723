#!/bin/sh
# How models/pretrained.safetensors is made, from a clone with the full MNIST ($MNIST_DIR):
# a CNN learns the digits (30 epochs on distorted digits, one on plain ones), then learns what
# is not a digit (outlier exposure: 3 epochs with not-a-digit images pushed toward an unsure
# answer, 2 on plain digits). The last 2,000 training digits are never trained on: the
# temperature and the refusal threshold are fitted on them after the last run.
# Usage: sh examples/train_shipped.sh [MODEL]   (default: models/pretrained.safetensors)
set -e
model=${1:-models/pretrained.safetensors}
deno task start train --layers cnn --augment --epochs 30 --lr 0.001 --holdout 2000 --fresh --model "$model"
deno task start train --model "$model" --no-augment --epochs 1 --lr 0.0001 --holdout 2000
deno task start train --model "$model" --negatives all --negative-target uniform --epochs 3 --lr 0.0003 --augment --holdout 2000
deno task start train --model "$model" --no-augment --epochs 2 --lr 0.0001
