using Inspecta.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Tests.Training;

/// <summary>
/// Inspecta's optimiser steps hold their Scalars (TorchSharp's temporaries were freed by concurrent garbage collections
/// mid-call); they must still be exactly torch's Adam and SGD.
/// </summary>
public class HeldScalarOptimizerTests
{
    private static readonly float[] Start = [0.5f, -1.25f, 2f, 0.125f, -0.75f, 3f];
    private static readonly float[] Target = [1f, 0f, -1f, 0.5f, 2f, -2f];
    private static readonly float[] Weight = [1f, 2f, 0.5f, 4f, 1f, 0.25f];

    /// <summary>Runs <paramref name="steps"/> steps on Σ wᵢ(pᵢ − tᵢ)² from <see cref="Start"/>; returns the parameters.</summary>
    private static float[] Run(Func<Parameter, OptimizerHelper> create, int steps)
    {
        using var p = new Parameter(tensor(Start));
        using var target = tensor(Target);
        using var weight = tensor(Weight);
        using var optimizer = create(p);
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var d = p - target;
            (d * d * weight).sum().backward();
            optimizer.step();
        }
        return p.data<float>().ToArray();
    }

    /// <summary>Adam in double precision, straight from Kingma &amp; Ba with L2 decay on the gradient (torch's Adam).</summary>
    private static double[] ReferenceAdam(int steps, double lr, double b1, double b2, double eps, double wd)
    {
        var p = Start.Select(v => (double)v).ToArray();
        var m = new double[p.Length];
        var v = new double[p.Length];
        for (int t = 1; t <= steps; t++)
            for (int i = 0; i < p.Length; i++)
            {
                double g = 2 * Weight[i] * (p[i] - Target[i]) + wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                p[i] -= lr / (1 - Math.Pow(b1, t)) * m[i] / (Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(b2, t)) + eps);
            }
        return p;
    }

    [Fact]
    public void HeldScalarAdamIsTorchSharpsAdamBitForBitAndTheTextbookAdam()
    {
        const int steps = 25;
        var ours = Run(p => Optimizers.Create(OptimizerKind.Adam, [p], 0.05, 1e-3, beta1: 0.5, beta2: 0.999), steps);
        var torchs = Run(p => torch.optim.Adam([p], 0.05, 0.5, 0.999, 1e-8, 1e-3), steps);
        Assert.Equal(torchs, ours);
        var reference = ReferenceAdam(steps, 0.05, 0.5, 0.999, 1e-8, 1e-3);
        for (int i = 0; i < ours.Length; i++) Assert.Equal(reference[i], ours[i], 1e-5);
        Assert.NotEqual(Start, ours);
    }

    [Fact]
    public void HeldScalarSgdIsTorchSharpsSgdBitForBitAndTheTextbookMomentumSgd()
    {
        const int steps = 25;
        var ours = Run(p => Optimizers.Create(OptimizerKind.Sgd, [p], 0.01, 1e-2), steps);
        var torchs = Run(p => torch.optim.SGD([p], 0.01, momentum: 0.9, weight_decay: 1e-2), steps);
        Assert.Equal(torchs, ours);
        var x = Start.Select(v => (double)v).ToArray();
        var buf = new double[x.Length];
        for (int t = 0; t < steps; t++)
            for (int i = 0; i < x.Length; i++)
            {
                double g = 2 * Weight[i] * (x[i] - Target[i]) + 1e-2 * x[i];
                buf[i] = t == 0 ? g : 0.9 * buf[i] + g;
                x[i] -= 0.01 * buf[i];
            }
        for (int i = 0; i < ours.Length; i++) Assert.Equal(x[i], ours[i], 1e-5);
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Sgd)]
    public void StepsSurviveGarbageCollectionsOnAnotherThread(OptimizerKind kind)
    {
        // TorchSharp's own Adam and SGD failed on their first step under this load ("toFloat" / "Unknown scalar type").
        using var p = new Parameter(randn(256, 1024));
        using var optimizer = Optimizers.Create(kind, [p], 1e-3, 1e-4);
        using var stop = new CancellationTokenSource();
        long collections = 0;
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Interlocked.Increment(ref collections);
            }
        }) { IsBackground = true };
        collector.Start();
        int steps = 0;
        try
        {
            // At least 200 steps and until 200 collections ran beside them (however loaded the machine); a bound in steps only.
            for (; steps < 200 || (Interlocked.Read(ref collections) <= 200 && steps < 20_000); steps++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                (p * p).sum().backward();
                optimizer.step();
            }
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
        Assert.True(Interlocked.Read(ref collections) > 200, $"only {collections} collections ran beside {steps} steps");
        Assert.True(p.isfinite().all().item<bool>());
    }
}
