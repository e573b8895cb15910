// Loads a late-fusion model exported by `causalmm export` (model.safetensors), runs the same
// forward pass as the Java model, and compares the logits with the ones Java computed on a fixed
// input (a fixture safetensors file holding input0, input1, ... and logits).
//
//   late_fusion MODEL.safetensors FIXTURE.safetensors [MODEL.pt]
//
// Forward (dev.causalmm.baselines.LateFusion with EncoderConfig.c3rPaper): for each modality k,
// h = encoder{k}.mlp: Linear layers with ELU between them (none after the last), keep the first
// head{k}.weight.size(1) features (the "mean half"), l_k = head{k}(h); logits = mean_k l_k.
// With MODEL.pt (the LibTorch archive of the same export) the weights are read from it as well and
// must equal the safetensors ones.
#include <torch/torch.h>

#include <cstdio>
#include <iostream>

#include "safetensors.hpp"

static torch::Tensor load(const safetensors::File& f, const std::string& name) {
  const auto& info = f.info(name);
  torch::ScalarType st;
  if (info.dtype == "F32") st = torch::kFloat32;
  else if (info.dtype == "BF16") st = torch::kBFloat16;
  else if (info.dtype == "F16") st = torch::kFloat16;
  else throw std::runtime_error("tensor '" + name + "' is " + info.dtype + ", expected F32, BF16 or F16");
  // the file's bytes are little-endian, as is x86-64/aarch64; copy out, then compute in float32
  return torch::from_blob(const_cast<uint8_t*>(f.bytes(name)), info.shape, torch::TensorOptions().dtype(st)).to(torch::kFloat32).clone();
}

static std::string key(const std::string& a, int k, const std::string& b) { return a + std::to_string(k) + b; }

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::cerr << "usage: late_fusion MODEL.safetensors FIXTURE.safetensors [MODEL.pt]\n";
    return 2;
  }
  try {
    torch::NoGradGuard no_grad;
    safetensors::File model(argv[1]);
    safetensors::File fixture(argv[2]);
    std::map<std::string, torch::Tensor> weights;
    for (const auto& name : model.order) weights[name] = load(model, name);

    if (argc == 4) {
      torch::serialize::InputArchive archive;
      archive.load_from(argv[3]);
      for (const auto& [name, w] : weights) {
        torch::Tensor t;
        archive.read(name, t);
        if (!torch::equal(t.to(torch::kFloat32), w)) throw std::runtime_error("archive tensor '" + name + "' differs from safetensors");
      }
      std::printf("LibTorch archive %s: %zu tensors equal the safetensors ones\n", argv[3], weights.size());
    }

    std::vector<torch::Tensor> logits;
    for (int k = 0; weights.count(key("head", k, ".weight")); k++) {
      torch::Tensor h = load(fixture, "input" + std::to_string(k));
      int layers = 0;
      while (weights.count(key("encoder", k, ".mlp.layer" + std::to_string(layers) + ".weight"))) layers++;
      if (layers == 0) throw std::runtime_error("modality " + std::to_string(k) + " has no encoder{k}.mlp layers: not a late-fusion MLP model");
      for (int i = 0; i < layers; i++) {
        std::string p = key("encoder", k, ".mlp.layer" + std::to_string(i));
        h = torch::nn::functional::linear(h, weights.at(p + ".weight"), weights.at(p + ".bias"));
        if (i + 1 < layers) h = torch::elu(h);
      }
      torch::Tensor head = weights.at(key("head", k, ".weight"));
      h = h.narrow(1, 0, head.size(1));
      logits.push_back(torch::nn::functional::linear(h, head, weights.at(key("head", k, ".bias"))));
    }
    if (logits.empty()) throw std::runtime_error("no head0.weight: not a late-fusion model");
    torch::Tensor out = torch::stack(logits, 1).mean(1);
    torch::Tensor want = load(fixture, "logits");
    double diff = (out - want).abs().max().item<double>();
    std::printf("late fusion: %d modalities, logits %ldx%ld, max |C++ - Java| = %.3g\n", (int)logits.size(), (long)out.size(0),
                (long)out.size(1), diff);
    if (!(diff <= 1e-5)) {
      std::printf("FAIL: logits differ by more than 1e-5\n");
      return 1;
    }
    std::printf("OK: C++ reproduces the Java logits within 1e-5\n");
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "late_fusion: " << e.what() << "\n";
    return 1;
  }
}
