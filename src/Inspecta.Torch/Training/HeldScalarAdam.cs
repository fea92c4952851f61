using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Training;

/// <summary>
/// TorchSharp's Adam with its step rewritten to hold every Scalar for the duration of the native call (see
/// <see cref="Nn.Scalars"/>: TorchSharp's own step passes temporaries that a concurrent garbage collection can free
/// mid-call, which crashed a reverse-distillation fit with "Unknown scalar type"). The update is the same sequence of
/// operations as torch's (L2 weight decay added to the gradient, bias-corrected moments, ε added after the
/// bias-corrected square root), so results are bit-identical to TorchSharp's Adam; the state and its serialisation
/// (checkpoints) are TorchSharp's.
/// </summary>
public sealed class HeldScalarAdam(IEnumerable<Parameter> parameters, double learningRate, double beta1, double beta2, double eps, double weightDecay)
    : Adam(parameters, learningRate, beta1, beta2, eps, weightDecay)
{
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = (Options)group.Options;
        double b1 = o.beta1!.Value, b2 = o.beta2!.Value, wd = o.weight_decay!.Value, lr = o.LearningRate!.Value;
        using Scalar beta1S = b1.ToScalar(), oneMinusBeta1 = (1 - b1).ToScalar(), beta2S = b2.ToScalar(), oneMinusBeta2 = (1 - b2).ToScalar(),
            epsS = o.eps!.Value.ToScalar(), decay = wd.ToScalar();
        foreach (var param in group.Parameters)
        {
            var grad = param.grad;
            if (grad is null) continue;
            var state = (State)_state[param.Handle];
            state.step++;
            double correction1 = 1 - Math.Pow(b1, state.step), correction2 = 1 - Math.Pow(b2, state.step);
            if (wd != 0) grad = grad.add(param, decay);
            state.exp_avg.mul_(beta1S).add_(grad, oneMinusBeta1);
            state.exp_avg_sq.mul_(beta2S).addcmul_(grad, grad.conj(), oneMinusBeta2);
            using Scalar root2 = Math.Sqrt(correction2).ToScalar(), stepSize = (-(lr / correction1)).ToScalar();
            var denom = state.exp_avg_sq.sqrt().div(root2).add_(epsS, Nn.Scalars.One);
            param.addcdiv_(state.exp_avg, denom, stepSize);
        }
    }, closure);
}
