using System.Text.Json.Nodes;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Imaging;
using Inspecta.Persistence;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Methods.StudentTeacher;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.Gcad;

/// <summary>
/// GCAD, global context anomaly detection (Bergmann et al. 2022; thesis §7): per receptive field the frozen Uninformed
/// Students teacher as local encoder, a global encoder whose information must pass a g-dimensional bottleneck once its
/// skip connections have faded, distilled towards the local features through U, and two U-Nets regressing the local
/// and the global features. Logical anomalies (a missing part, a wrong count, a broken pairing) break the global
/// features' predictability; structural ones the local. Map: the two validation-normalised regression errors summed,
/// averaged over the scales, zoomed to the input size; score = the maximum.
/// </summary>
public sealed class GcadDetector(GcadOptions options) : PatchTeacherDetector<GcadOptions>(options)
{
    public override string Method => GcadMethod.MethodId;

    protected override void Describe(JsonObject architecture)
    {
        var o = Options;
        architecture["global_dim"] = o.GlobalDim;
        architecture["bottleneck"] = o.Bottleneck;
        architecture["global_width"] = o.GlobalWidth;
        architecture["unet_width"] = o.UNetWidth;
        architecture["skip_fade_epochs"] = o.SkipFadeEpochs;
    }

    private protected override IPatchScale FitScale(PatchNetworkLayout layout, ScaleFit fit, List<TrainingEpoch> history)
    {
        var scale = new GcadScale(Options, layout, fit.Teacher);
        try
        {
            (scale.Mean, scale.Std) = DescriptorStatistics.Compute(fit.Teacher, fit.Train);
            history.AddRange(Train(scale, fit));
            Calibrate(scale, fit.ValidationImages);
            return scale;
        }
        catch
        {
            scale.Dispose();
            throw;
        }
    }

    /// <summary>The two-phase schedule: E_glo, U and R_loc first; then R_glo joins.</summary>
    private List<TrainingEpoch> Train(GcadScale scale, ScaleFit fit)
    {
        var (o, t, checkpoint, sinks, architecture) = (Options, fit.Training, fit.Checkpoint, fit.Sinks, fit.Architecture);
        var history = new List<TrainingEpoch>();
        using var optimizer = Optimizers.Create(t.Optimizer, scale.Trained.SelectMany(m => m.Module.parameters()), t.LearningRate, t.WeightDecay);
        string p = $"p{scale.Layout.ReceptiveField}";
        if (o.FirstPhaseEpochs > 0)
        {
            var first = GcadTask.Create($"gcad-local-{p}", scale, global: false, optimizer, architecture);
            history.AddRange(Trainer.Run(Method, first, fit.TrainImages, fit.Validation, t with { Epochs = o.FirstPhaseEpochs, Patience = null, CheckpointPath = checkpoint() },
                sinks.Progress, sinks.Epochs, sinks.Cancellation).History);
        }
        var second = GcadTask.Create($"gcad-global-{p}", scale, global: true, optimizer, architecture);
        history.AddRange(Trainer.Run(Method, second, fit.TrainImages, fit.Validation, t with { Epochs = o.Epochs - o.FirstPhaseEpochs, CheckpointPath = checkpoint() },
            sinks.Progress, sinks.Epochs, sinks.Cancellation).History);
        return history;
    }

    /// <summary>μ and σ of A_loc and A_glo over every pixel of the good validation images.</summary>
    private static void Calibrate(GcadScale scale, IReadOnlyList<ImageF> validation)
    {
        var (local, global) = (new MapStatistics(), new MapStatistics());
        using var _ = no_grad();
        foreach (var img in validation)
        {
            using var scope = NewDisposeScope();
            var (l, g) = scale.Maps(PaddedImages.Batch(img));
            local.Add(l);
            global.Add(g);
        }
        var ((lm, ls), (gm, gs)) = (local.Result(), global.Result());
        scale.Calibration = (lm, ls, gm, gs);
    }

    private protected override IPatchScale LoadScale(ModelReader reader, PatchNetworkLayout layout) => GcadScale.Load(reader, Options, layout);

    public static GcadDetector Load(ModelReader reader, GcadOptions options) => Load(new GcadDetector(options), reader);
}
