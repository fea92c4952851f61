using BenchmarkDotNet.Running;
using Inspecta.Benchmarks;

// `search-figures [--quick]` prints the search figures quickly without BenchmarkDotNet's statistics;
// `geometry-figures [--quick]` likewise for the 3D geometry figures;
// everything else goes to BenchmarkDotNet (e.g. `--filter *Search*`).
if (args.Length > 0 && args[0] == "search-figures")
{
    SearchFigures.Print(quick: args.Contains("--quick"));
    return;
}
if (args.Length > 0 && args[0] == "geometry-figures")
{
    GeometryFigures.Print(quick: args.Contains("--quick"));
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
