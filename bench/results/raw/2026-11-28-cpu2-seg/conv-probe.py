import sys, time, torch, torch.nn.functional as F
sys.path.insert(0, "/work/wt-segx/bench/python")
import twins
torch.set_num_threads(2)
orig = F.conv3d
def per_sample(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    if stride in (1, (1, 1, 1)) and w.shape[2] > 1 and x.shape[0] > 1:
        return torch.cat([orig(x[i:i + 1], w, b, stride, padding, dilation, groups) for i in range(x.shape[0])], 0)
    return orig(x, w, b, stride, padding, dilation, groups)
for mode in ("batched", "per-sample"):
    torch.nn.modules.conv.F.conv3d = per_sample if mode == "per-sample" else orig
    for side, batch in ((32, 2), (32, 1), (64, 1)):
        torch.manual_seed(0)
        step = twins.Step("unet", None, None, str(side), "cpu", batch=batch)
        s = twins.time_step(step, 1.0, 3, 1.0)
        print(mode, side, batch, [round(x / 1000) for x in s], "ms", flush=True)
