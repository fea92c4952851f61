using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace Inspecta.Torch.Nn;

/// <summary>
/// Native Scalars that stay alive. TorchSharp turns every number passed to a tensor operation (<c>t * 0.5</c>,
/// <c>1 - t</c>, <c>a + b</c>'s implicit alpha 1, Adam's bias corrections) into a temporary <see cref="Scalar"/> whose
/// native handle it passes to libtorch without keeping the managed object reachable. If another thread triggers a
/// garbage collection while libtorch runs, the Scalar's finalizer frees the native value mid-call and libtorch reads
/// freed memory: "Unknown scalar type" (div) or the "toFloat" check (add) — reproduced in under a second by collecting
/// in a loop on a second thread while an optimiser steps. Inspecta.Torch therefore passes only Scalars held here
/// (rooted for the process) or held by a <c>using</c> for the duration of the call; a test scans this assembly's IL for
/// calls that create temporaries.
/// </summary>
public static class Scalars
{
    private static readonly ConcurrentDictionary<double, Scalar> Cache = new();

    public static readonly Scalar One = Of(1);

    /// <summary>An integer 1, for counters (libtorch refuses to add a floating Scalar to an Int64 tensor in place).</summary>
    public static readonly Scalar IntegerOne = 1L.ToScalar();

    /// <summary>A process-lifetime Scalar for a constant (cached by value; use only for constants, not per-step values).</summary>
    public static Scalar Of(double value) => Cache.GetOrAdd(value, v => v.ToScalar());

    /// <summary><c>a + b</c> without TorchSharp's temporary alpha.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary><c>t + c</c> with held Scalars.</summary>
    public static Tensor Plus(this Tensor t, double c) => t.add(Of(c), One);

    /// <summary><c>c − t</c> with held Scalars.</summary>
    public static Tensor From(double c, Tensor t) => t.neg().add_(Of(c), One);

    /// <summary><c>t · c</c> with a held Scalar.</summary>
    public static Tensor Times(this Tensor t, double c) => t.mul(Of(c));

    /// <summary><c>t²</c> as a product (TorchSharp's <c>square</c> and <c>pow(2)</c> pass a temporary exponent).</summary>
    public static Tensor Squared(this Tensor t) => t.mul(t);

    /// <summary><c>t / c</c> with a held Scalar.</summary>
    public static Tensor Over(this Tensor t, double c) => t.div(Of(c));

    /// <summary><c>t^e</c> with a held exponent.</summary>
    public static Tensor Power(this Tensor t, double exponent) => t.pow(Of(exponent));

    /// <summary><c>t</c> clamped to [min, max] with held bounds.</summary>
    public static Tensor Clamped(this Tensor t, double min, double max) => t.clamp(Of(min), Of(max));
}
