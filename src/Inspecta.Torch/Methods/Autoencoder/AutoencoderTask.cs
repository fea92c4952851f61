using System.Text.Json.Nodes;
using Inspecta.Torch.Imaging;
using Inspecta.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static Inspecta.Torch.Nn.Scalars;

namespace Inspecta.Torch.Methods.Autoencoder;

/// <summary>The networks of an autoencoder and its loss: squared error (L2-AE), 1 − mean SSIM (SSIM-AE), or the
/// ELBO (VAE: summed squared error plus the KL divergence to the unit Gaussian, per image).</summary>
internal sealed class AutoencoderTask(AutoencoderVariant variant, nn.Module<Tensor, Tensor> encoder, nn.Module<Tensor, Tensor> decoder,
    OptimizerHelper optimizer, int ssimWindow, (double C1, double C2) ssimConstants, JsonObject architecture) : ITrainingTask
{
    public string Phase => "autoencoder";
    public JsonObject Architecture => architecture;
    public IReadOnlyList<(string Name, nn.Module Module)> Modules { get; } = [("encoder", encoder), ("decoder", decoder)];
    public IReadOnlyList<OptimizerHelper> Optimizers { get; } = [optimizer];

    public double TrainStep(Tensor batch)
    {
        optimizer.zero_grad();
        var loss = Loss(batch, sample: true);
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }

    public double ValidationLoss(Tensor batch) => Loss(batch, sample: false).item<float>();

    private Tensor Loss(Tensor x, bool sample)
    {
        var code = encoder.forward(x);
        if (variant != AutoencoderVariant.Vae)
        {
            var r = decoder.forward(code);
            return variant == AutoencoderVariant.Ssim ? From(1, Ssim.Map(r, x, ssimWindow, ssimConstants.C1, ssimConstants.C2).mean()) : nn.functional.mse_loss(r, x);
        }
        var (mean, logVar) = Split(code);
        var z = sample ? mean.Plus(randn_like(mean) * logVar.Times(0.5).exp()) : mean;
        var recon = decoder.forward(z);
        var sse = (recon - x).Squared().sum([1, 2, 3]);
        var kl = (logVar.Plus(1) - mean.Squared() - logVar.exp()).sum([1, 2, 3]).Times(-0.5);
        return sse.Plus(kl).mean();
    }

    public static (Tensor Mean, Tensor LogVar) Split(Tensor code)
    {
        var parts = code.chunk(2, 1);
        return (parts[0], parts[1]);
    }
}
