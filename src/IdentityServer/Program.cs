using Iess.Identity.Hosting;

var (verb, verbArgs, hostArgs) = CommandLineVerbs.Split(args);

var builder = WebApplication.CreateBuilder(hostArgs);
builder.AddIessIdentity();

var app = builder.Build();
app.UseIessIdentity();

if (verb is not null)
{
    return await CommandLineVerbs.RunAsync(app, verb, verbArgs);
}

await app.RunAsync();
return 0;

/// <summary>The IESS identity provider's entry point (public so integration tests can host it).</summary>
public partial class Program;
