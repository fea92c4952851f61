using System.Text.Json.Nodes;
using Inspecta.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static Inspecta.Torch.Nn.Scalars;

namespace Inspecta.Torch.Methods.FAnoGan;

/// <summary>
/// izif encoder training (Schlegl et al. 2019) with the GAN frozen: loss = mean squared residual of x − G(E(x)) plus κ
/// times the mean squared difference of the critic features of x and G(E(x)) — the same quantity that scores a patch.
/// </summary>
internal sealed class EncoderTask(FAnoGanNetworks.Critic encoder, FAnoGanNetworks.Generator generator, FAnoGanNetworks.Critic critic,
    OptimizerHelper optimizer, double featureWeight, JsonObject architecture) : ITrainingTask
{
    public string Phase => "encoder";
    public JsonObject Architecture => architecture;
    public IReadOnlyList<(string Name, nn.Module Module)> Modules { get; } = [("encoder", encoder)];
    public IReadOnlyList<OptimizerHelper> Optimizers { get; } = [optimizer];

    public double TrainStep(Tensor batch)
    {
        optimizer.zero_grad();
        var loss = Loss(ToSymmetric(batch));
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }

    public double ValidationLoss(Tensor batch) => Loss(ToSymmetric(batch)).item<float>();

    private Tensor Loss(Tensor x)
    {
        var (residual, features) = Izif(encoder, generator, critic, x);
        return residual.mean([1, 2, 3]).Plus(features.Times(featureWeight)).mean();
    }

    /// <summary>[0, 1] → [−1, 1], the generator's range.</summary>
    public static Tensor ToSymmetric(Tensor batch) => batch.Times(2).Plus(-1);

    /// <summary>Per-pixel squared residual in [0, 1] units (N×C×P×P) and per-sample mean squared feature difference (N).</summary>
    public static (Tensor Residual, Tensor Features) Izif(FAnoGanNetworks.Critic encoder, FAnoGanNetworks.Generator generator, FAnoGanNetworks.Critic critic, Tensor x)
    {
        var g = generator.forward(encoder.forward(x));
        var residual = (x - g).Over(2).Squared();
        var features = (critic.Features(x) - critic.Features(g)).Squared().mean([1]);
        return (residual, features);
    }
}
