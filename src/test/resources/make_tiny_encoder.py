#!/usr/bin/python3
"""Writes tiny_image_encoder.pt: a tiny CNN (3 channels in, 8 features out) saved with torch.jit.save.

Run with Debian's python3-torch (apt-get install python3-torch; it is /usr/bin/python3):
    /usr/bin/python3 src/test/resources/make_tiny_encoder.py
The weights are seeded, so the file's outputs are reproducible; tests only rely on its shapes and
on its outputs being a deterministic function of its input.
"""
import os
import torch
import torch.nn as nn


class TinyImageEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, kernel_size=3, stride=2, padding=1)
        self.pool = nn.AdaptiveAvgPool2d(2)
        self.proj = nn.Linear(16, 8)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.conv(x))
        h = self.pool(h).flatten(1)
        return self.proj(h)


if __name__ == "__main__":
    torch.manual_seed(0)
    m = TinyImageEncoder().eval()
    scripted = torch.jit.script(m)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny_image_encoder.pt")
    scripted.save(out)
    x = torch.linspace(0, 1, 2 * 3 * 16 * 16).reshape(2, 3, 16, 16)
    print(out, os.path.getsize(out), "bytes; output of linspace input, row 0:", scripted(x)[0].tolist())
