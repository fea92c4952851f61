using System.Text.Json.Nodes;
using Inspecta.Torch.Methods.Distillation;
using Inspecta.Torch.Nn;
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
internal static class GcadTask
{
    /// <summary>The phase; not to be disposed (the phases share <paramref name="optimizer"/>, which the caller owns).</summary>
    public static LossTask Create(string phase, GcadScale scale, bool global, OptimizerHelper optimizer, JsonObject architecture) =>
        new(phase, architecture, global ? scale.Trained : scale.Trained.Take(3).ToList(), optimizer, batch => Loss(scale, global, batch),
            stepped: scale.Global.Step); // the skip weights fade with the optimiser steps taken

    private static Tensor Loss(GcadScale scale, bool global, Tensor batch)
    {
        var x = RgbInput.Normalize(batch);
        var target = scale.LocalTarget(x);
        var g = scale.Global.forward(x);
        var distillation = (scale.Mapping.forward(g) - target).Squared().sum(1).mean();
        var local = (scale.Local.forward(x) - target).Squared().sum(1).mean();
        var loss = distillation.Plus(local) / StudentTeacher.ScalarTensor.Of(scale.Layout.DescriptorDim);
        if (!global) return loss;
        var regression = (scale.GlobalRegression.forward(x) - g.detach()).Squared().sum(1).mean();
        return loss.Plus(regression / StudentTeacher.ScalarTensor.Of(g.shape[1]));
    }
}
