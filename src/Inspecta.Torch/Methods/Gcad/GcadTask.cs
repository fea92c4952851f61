using System.Text.Json.Nodes;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.Gcad;

/// <summary>
/// One GCAD training phase (eq. 7.4): L = L_kd/d_loc + L_loc/d_loc (+ L_glo/d_glo in the second phase), each the mean
/// over pixels of a squared feature distance: L_kd = ‖E_loc − U(E_glo)‖², L_loc = ‖E_loc − R_loc‖², L_glo =
/// ‖E_glo − R_glo‖² with E_glo's output as a fixed target there (R_glo regresses it, as a student its teacher). Both
/// phases share one Adam, so the second continues the first's moments.
/// </summary>
internal sealed class GcadTask(string phase, GcadScale scale, bool global, OptimizerHelper optimizer, JsonObject architecture)
    : StudentTeacher.LossTask(phase, architecture, optimizer)
{
    public override IReadOnlyList<(string Name, nn.Module Module)> Modules { get; } = global ? scale.Trained : scale.Trained.Take(3).ToList();

    /// <summary>The skip weights fade with the optimiser steps taken.</summary>
    protected override void Stepped() => scale.Global.Step();

    protected override Tensor Loss(Tensor batch)
    {
        var x = RgbInput.Normalize(batch);
        var target = scale.LocalTarget(x);
        var g = scale.Global.forward(x);
        var distillation = (scale.Mapping.forward(g) - target).square().sum(1).mean();
        var local = (scale.Local.forward(x) - target).square().sum(1).mean();
        var loss = (distillation + local) / StudentTeacher.ScalarTensor.Of(scale.Layout.DescriptorDim);
        if (!global) return loss;
        var regression = (scale.GlobalRegression.forward(x) - g.detach()).square().sum(1).mean();
        return loss + regression / StudentTeacher.ScalarTensor.Of(g.shape[1]);
    }
}
