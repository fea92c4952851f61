// libtorch's generator, seed and thread count are process-wide: tests that train must not run side by side, or one
// test's draws interleave with another's and "same seed → same bits" fails.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
