using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Inspecta.Torch.Training;

/// <summary>
/// TorchSharp's SGD (momentum, L2 weight decay, no dampening or Nesterov) with its step rewritten to hold every Scalar
/// for the duration of the native call, as <see cref="HeldScalarAdam"/>; same operations, state and serialisation as
/// TorchSharp's.
/// </summary>
public sealed class HeldScalarSgd(IEnumerable<Parameter> parameters, double learningRate, double momentum, double weightDecay)
    : SGD(parameters, learningRate, momentum, 0, weightDecay)
{
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = group.Options;
        double m = o.momentum!.Value, wd = o.weight_decay!.Value;
        using Scalar momentumS = m.ToScalar(), dampened = (1 - o.dampening!.Value).ToScalar(), decay = wd.ToScalar(),
            minusRate = (-o.LearningRate!.Value).ToScalar();
        foreach (var param in group.Parameters)
        {
            var grad = param.grad;
            if (grad is null) continue;
            var state = (State)_state[param.Handle];
            if (wd != 0) grad = grad.add(param, decay);
            if (m != 0)
            {
                if (state.momentum_buffer is null) state.momentum_buffer = grad.clone().detach().DetachFromDisposeScope();
                else state.momentum_buffer.mul_(momentumS).add_(grad, dampened);
                grad = state.momentum_buffer;
            }
            param.add_(grad, minusRate);
        }
    }, closure);
}
