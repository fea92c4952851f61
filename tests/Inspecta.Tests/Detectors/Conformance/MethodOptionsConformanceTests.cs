using System.Text.Json.Nodes;
using Inspecta.Detectors.Registry;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors.Conformance;

/// <summary>Every registered method's options: documented, defaulted, generated on the command line, strict about strangers.</summary>
public class MethodOptionsConformanceTests
{
    public static IEnumerable<object[]> All => MethodRegistry.Default.All.Select(m => new object[] { m.Id });

    [Theory]
    [MemberData(nameof(All))]
    public void EveryOptionHasHelpAndADefault(string method)
    {
        foreach (var o in MethodRegistry.Default.Get(method).Schema.Options)
        {
            Assert.False(string.IsNullOrWhiteSpace(o.Help), $"{method} {o.CliName} has no help");
            Assert.True(o.IsFlag || o.Help.Contains("Default: ", StringComparison.Ordinal), $"{method} {o.CliName} shows no default: {o.Help}");
        }
    }

    [Theory]
    [MemberData(nameof(All))]
    public void FitHelpListsExactlyTheMethodsOptions(string method)
    {
        var r = CliRunner.Run("fit", "--method", method, "--help");
        Assert.Equal(0, r.ExitCode);
        var schema = MethodRegistry.Default.Get(method).Schema;
        foreach (var o in schema.Options) Assert.Contains(o.CliName + " ", r.Stdout);
        // An option only other methods have is absent from this method's help.
        var foreign = MethodRegistry.Default.All.SelectMany(m => m.Schema.Options).Select(o => o.CliName).Distinct()
            .Where(n => schema.Find(n) is null).ToList();
        foreach (string n in foreign) Assert.DoesNotContain(n + " ", r.Stdout);
    }

    [Theory]
    [MemberData(nameof(All))]
    public void UnknownAndForeignOptionsAreParseErrors(string method)
    {
        using var tmp = new TempDir();
        var r = CliRunner.Run("fit", "--method", method, "--dataset", tmp.Path, "--out", tmp["m.inspecta"], "--no-such-option", "1");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--no-such-option", r.Stderr);
        var schema = MethodRegistry.Default.Get(method).Schema;
        var (owner, foreign) = MethodRegistry.Default.All.SelectMany(m => m.Schema.Options.Select(o => (m.Id, o)))
            .First(x => schema.Find(x.o.Name) is null);
        r = CliRunner.Run(["fit", "--method", method, "--dataset", tmp.Path, "--out", tmp["m.inspecta"], foreign.CliName, .. foreign.IsFlag ? Array.Empty<string>() : ["1"]]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{foreign.CliName} is an option of", r.Stderr);
        Assert.Contains(owner, r.Stderr);
        Assert.False(File.Exists(tmp["m.inspecta"]));
    }

    [Theory]
    [MemberData(nameof(All))]
    public void OptionsRoundTripThroughConfigJson(string method)
    {
        var d = MethodRegistry.Default.Get(method);
        var json = d.Schema.ToJson(d.DefaultOptions());
        var config = MethodConfig.FromJson(new JsonObject { ["method"] = method, ["options"] = json.DeepClone() }, MethodRegistry.Default);
        Assert.Equal(json.ToJsonString(), d.Schema.ToJson(config.Options).ToJsonString());
        var bad = new JsonObject { ["method"] = method, ["options"] = new JsonObject { ["no_such_key"] = 1 } };
        var ex = Assert.Throws<InspectaUserException>(() => MethodConfig.FromJson(bad, MethodRegistry.Default));
        Assert.Contains("no_such_key", ex.Message);
    }

    [Fact]
    public void RangesAndChoicesAreCheckedWithTheOptionNamed()
    {
        using var tmp = new TempDir();
        var r = CliRunner.Run("fit", "--method", "patchcore", "--dataset", tmp.Path, "--out", tmp["m.inspecta"], "--coreset", "1.5");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--coreset must be > 0 and ≤ 1, got 1.5", r.Stderr);
        r = CliRunner.Run("fit", "--method", "variation", "--dataset", tmp.Path, "--out", tmp["m.inspecta"], "--alignment", "affine");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--alignment must be one of none, translation, rigid", r.Stderr);
        r = CliRunner.Run("fit", "--method", "texture-gmm", "--dataset", tmp.Path, "--out", tmp["m.inspecta"], "--gmm-components", "1,x");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--gmm-components: 'x' is not a whole number", r.Stderr);
        r = CliRunner.Run("fit", "--method", "no-such", "--dataset", tmp.Path, "--out", tmp["m.inspecta"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Unknown method 'no-such'", r.Stderr);
    }
}
