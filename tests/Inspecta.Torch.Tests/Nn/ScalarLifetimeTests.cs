using System.Reflection;
using System.Reflection.Emit;
using Inspecta.Torch.Nn;
using Inspecta.Torch.Training;
using TorchSharp;

namespace Inspecta.Torch.Tests.Nn;

/// <summary>
/// Inspecta.Torch must never hand libtorch a temporary Scalar (see <see cref="Scalars"/>): this scans the assembly's IL
/// for calls into TorchSharp that create one — <c>Scalar</c>'s implicit conversions and <c>ToScalar</c>, and every
/// TorchSharp method that reaches them (an operator with a number, <c>a + b</c>'s alpha, <c>pow(2)</c>,
/// <c>functional.leaky_relu(x, 0.2)</c>), and the forward of every TorchSharp module type the assembly uses. Only the
/// code that holds what it creates (the cache, the optimiser steps, a <c>using</c>) may convert numbers itself.
/// </summary>
public class ScalarLifetimeTests
{
    private static readonly Dictionary<short, OpCode> Codes = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    private const BindingFlags Declared = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    /// <summary>Methods that convert numbers to Scalars and hold them until libtorch has returned.</summary>
    private static readonly Type[] Holders = [typeof(Scalars), typeof(HeldScalarAdam), typeof(HeldScalarSgd)];

    private static bool MayHold(MethodBase m) =>
        Holders.Any(h => m.DeclaringType == h || m.DeclaringType?.DeclaringType == h) ||
        m.DeclaringType == typeof(ModuleWeights) && m.Name == nameof(ModuleWeights.Load);

    private static IEnumerable<MethodBase> Callees(MethodBase m)
    {
        byte[]? il;
        try { il = m.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException) { yield break; }
        if (il is null) yield break;
        Type[]? typeArgs = m.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        Type[]? methodArgs = m.IsGenericMethod ? m.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            bool wide = il[i] == 0xFE;
            var op = Codes[wide ? (short)(0xFE00 | il[i + 1]) : il[i]];
            i += wide ? 2 : 1;
            int operand = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
            if (op.OperandType == OperandType.InlineMethod)
            {
                MethodBase? callee = null;
                try { callee = m.Module.ResolveMethod(BitConverter.ToInt32(il, i), typeArgs, methodArgs); }
                catch (ArgumentException) { }
                if (callee is not null) yield return callee;
            }
            i += operand;
        }
    }

    private static string Key(MethodBase m) => $"{m.DeclaringType?.FullName}::{m}";

    private static IEnumerable<MethodBase> MethodsOf(Assembly a) => a.GetTypes().SelectMany(t => t.GetMembers(Declared).OfType<MethodBase>());

    /// <summary>TorchSharp's methods that create a Scalar, directly or through other TorchSharp methods.</summary>
    private static HashSet<string> Creators()
    {
        var calls = MethodsOf(typeof(Scalar).Assembly).GroupBy(Key).ToDictionary(g => g.Key, g => Callees(g.First()).Select(Key).ToHashSet(), StringComparer.Ordinal);
        var creators = MethodsOf(typeof(Scalar).Assembly)
            .Where(m => m.DeclaringType == typeof(Scalar) && m.Name == "op_Implicit" || m.Name == "ToScalar").Select(Key).ToHashSet(StringComparer.Ordinal);
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (var (k, cs) in calls)
                if (!creators.Contains(k) && cs.Overlaps(creators))
                {
                    creators.Add(k);
                    grew = true;
                }
        }
        return creators;
    }

    [Fact]
    public void NoCodeInInspectaTorchHandsLibtorchATemporaryScalar()
    {
        var creators = Creators();
        Assert.Contains(creators, k => k.Contains("op_Multiply(Tensor, Double)", StringComparison.Ordinal)); // the scan sees the known offenders
        Assert.Contains(creators, k => k.Contains("TorchSharp.Modules.Adam::", StringComparison.Ordinal));
        var ours = typeof(Scalars).Assembly;
        var offences = new List<string>();
        var moduleTypes = new HashSet<Type>();
        foreach (var m in MethodsOf(ours))
            foreach (var c in Callees(m).Distinct())
            {
                if (c.Module.Assembly != typeof(Scalar).Assembly) continue;
                if (c is MethodInfo { ReturnType: var r } && typeof(torch.nn.Module).IsAssignableFrom(r)) moduleTypes.Add(r);
                bool baseConstructor = m is ConstructorInfo && c is ConstructorInfo && c.DeclaringType == m.DeclaringType?.BaseType;
                if (c is ConstructorInfo && !baseConstructor && typeof(torch.nn.Module).IsAssignableFrom(c.DeclaringType)) moduleTypes.Add(c.DeclaringType!);
                if (creators.Contains(Key(c)) && !MayHold(m)) offences.Add($"{m.DeclaringType?.FullName}.{m.Name} calls {c.DeclaringType?.Name}.{c}");
            }
        foreach (var t in moduleTypes)
            // The forward that runs: the most derived override (an Inspecta subclass's is scanned above).
            if (t.GetMethod("forward", [typeof(torch.Tensor)]) is { } f && f.DeclaringType!.Assembly == typeof(Scalar).Assembly && creators.Contains(Key(f)))
                offences.Add($"the TorchSharp module {t.Name} is used; its forward creates a temporary Scalar");
        Assert.True(moduleTypes.Count > 3, "the scan found too few TorchSharp modules: " + string.Join(", ", moduleTypes.Select(t => t.Name)));
        Assert.True(offences.Count == 0, "Temporary Scalars (use Nn.Scalars: Plus, Times, From, Over, Squared, Of):\n" + string.Join("\n", offences.Distinct()));
    }
}
