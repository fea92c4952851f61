using System.Text.Json.Nodes;
using Inspecta.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static Inspecta.Torch.Nn.Scalars;

namespace Inspecta.Torch.Methods.FAnoGan;

/// <summary>
/// WGAN-GP: every batch updates the critic (Wasserstein loss plus λ·(‖∇D(x̂)‖ − 1)² at random interpolates x̂); every
/// <c>criticIterations</c>-th batch also updates the generator. The reported loss is the critic's; the validation loss is
/// the negated Wasserstein estimate D(fake) − D(real) on the validation patches.
/// </summary>
internal sealed class GanTask(FAnoGanNetworks.Generator generator, FAnoGanNetworks.Critic critic, OptimizerHelper generatorOptimizer,
    OptimizerHelper criticOptimizer, int latent, int criticIterations, double penalty, JsonObject architecture) : ITrainingTask
{
    private long _step;

    public string Phase => "gan";
    public JsonObject Architecture => architecture;
    public IReadOnlyList<(string Name, nn.Module Module)> Modules { get; } = [("generator", generator), ("critic", critic)];
    public IReadOnlyList<OptimizerHelper> Optimizers { get; } = [generatorOptimizer, criticOptimizer];

    public double TrainStep(Tensor batch)
    {
        var real = EncoderTask.ToSymmetric(batch);
        long n = real.shape[0];
        criticOptimizer.zero_grad();
        Tensor fake;
        using (no_grad()) fake = generator.forward(randn(n, latent));
        var eps = rand(n, 1, 1, 1);
        var mixed = (eps * real).Plus(From(1, eps) * fake).detach().requires_grad_(true);
        var scoreMixed = critic.forward(mixed);
        var grad = autograd.grad([scoreMixed], [mixed], [ones_like(scoreMixed)], retain_graph: true, create_graph: true)[0];
        var gp = grad.flatten(1).norm(1, false, 2).Plus(-1).Squared().mean();
        var criticLoss = (critic.forward(fake).mean() - critic.forward(real).mean()).Plus(gp.Times(penalty));
        criticLoss.backward();
        criticOptimizer.step();
        if (++_step % criticIterations == 0)
        {
            generatorOptimizer.zero_grad();
            foreach (var p in critic.parameters()) p.requires_grad = false;
            var generatorLoss = -critic.forward(generator.forward(randn(n, latent))).mean();
            generatorLoss.backward();
            generatorOptimizer.step();
            foreach (var p in critic.parameters()) p.requires_grad = true;
        }
        return criticLoss.item<float>();
    }

    public double ValidationLoss(Tensor batch)
    {
        var real = EncoderTask.ToSymmetric(batch);
        var fake = generator.forward(randn(real.shape[0], latent));
        return (critic.forward(fake).mean() - critic.forward(real).mean()).item<float>();
    }
}
