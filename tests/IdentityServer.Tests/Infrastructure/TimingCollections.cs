using Iess.Identity.Tests.Employers;
using Iess.Identity.Tests.Recovery;

namespace Iess.Identity.Tests.Infrastructure;

/// <summary>
/// Tests that compare response-time medians run in collections with parallelization disabled: xunit runs them
/// after every parallel collection has finished, one at a time, so no other test's load (the soak, the two-node
/// fixture, password hashing elsewhere) lands in one side of a comparison and not the other.
/// Each has its own server (a fixture instance of its own), so earlier tests' rows and limits do not carry over.
/// </summary>
public static class TimingCollections
{
    public const string Recovery = "Timing: affiliate recovery";
    public const string Employer = "Timing: employer flows";
    public const string Everywhere = "Timing: every identifier step";
}

[CollectionDefinition(TimingCollections.Recovery, DisableParallelization = true)]
public sealed class RecoveryTimingCollection : ICollectionFixture<RecoveryServerFixture>;

[CollectionDefinition(TimingCollections.Employer, DisableParallelization = true)]
public sealed class EmployerTimingCollection : ICollectionFixture<EmployerServerFixture>;

[CollectionDefinition(TimingCollections.Everywhere, DisableParallelization = true)]
public sealed class EverywhereTimingCollection;
