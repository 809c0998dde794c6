namespace Iess.Identity.Tests.Infrastructure;

/// <summary>
/// One running server shared by the tests of a class (start-up, migrations and seeding are the slow part).
/// Derive from it to share a server with particular settings.
/// </summary>
public class IessServerFixture : IAsyncLifetime
{
    public IessServerFixture()
        : this(factory => factory)
    {
    }

    protected IessServerFixture(Func<IessServerFactory, IessServerFactory> configure) => Factory = configure(new IessServerFactory());

    public IessServerFactory Factory { get; }

    public Uri BaseAddress => Factory.BaseAddress;

    public Task InitializeAsync()
    {
        _ = Factory.BaseAddress;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}
