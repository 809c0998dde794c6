using System.Security.Cryptography;
using Iess.Identity.Data;
using Microsoft.EntityFrameworkCore;

namespace Iess.Identity.Recovery;

/// <summary>A named random key kept in the database so every node uses the same one (HMAC keys for codes, grids, CAPTCHA).</summary>
public class ServerSecret
{
    public string Name { get; set; } = "";

    public byte[] Value { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Hands out server secrets, creating each on first use; the first node to insert wins and all others read it.</summary>
public sealed class ServerSecrets(IServiceScopeFactory scopes, TimeProvider time)
{
    private readonly Dictionary<string, byte[]> cache = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task<byte[]> GetAsync(string name)
    {
        lock (cache)
        {
            if (cache.TryGetValue(name, out var cached))
            {
                return cached;
            }
        }

        await gate.WaitAsync();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<IessDbContext>();
            var row = await db.ServerSecrets.AsNoTracking().SingleOrDefaultAsync(s => s.Name == name);
            if (row is null)
            {
                db.ServerSecrets.Add(new ServerSecret { Name = name, Value = RandomNumberGenerator.GetBytes(32), CreatedAt = time.GetUtcNow() });
                try
                {
                    await db.SaveChangesAsync();
                }
                catch (DbUpdateException)
                {
                    // Another node created it first.
                }

                db.ChangeTracker.Clear();
                row = await db.ServerSecrets.AsNoTracking().SingleAsync(s => s.Name == name);
            }

            lock (cache)
            {
                cache[name] = row.Value;
            }

            return row.Value;
        }
        finally
        {
            gate.Release();
        }
    }
}
