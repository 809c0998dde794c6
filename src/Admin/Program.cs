using Iess.Admin.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddIessAdmin();

var app = builder.Build();
app.UseIessAdmin();
await app.RunAsync();

/// <summary>The officer console's entry point (public so integration tests can host it).</summary>
public partial class Program;
