import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorldState } from './types.ts';

/**
 * The sandbox's own storage: a JSON snapshot of the world (`state.json`) plus one file per media
 * item (`media/<id>`), in its data folder. Never the hub's database.
 */
export class WorldStore {
  private readonly savedMedia = new Set<string>();

  constructor(private readonly dir: string) {
    mkdirSync(join(dir, 'media'), { recursive: true });
  }

  load(): { world: WorldState; media: Map<string, Buffer> } | null {
    const file = join(this.dir, 'state.json');
    if (!existsSync(file)) return null;
    const world = JSON.parse(readFileSync(file, 'utf8')) as WorldState;
    const media = new Map<string, Buffer>();
    for (const name of readdirSync(join(this.dir, 'media'))) {
      if (world.media[name] && !world.media[name].deleted) {
        media.set(name, readFileSync(join(this.dir, 'media', name)));
        this.savedMedia.add(name);
      }
    }
    return { world, media };
  }

  save(world: WorldState, media: Map<string, Buffer>): void {
    for (const [id, bytes] of media) {
      if (this.savedMedia.has(id)) continue;
      writeFileSync(join(this.dir, 'media', id), bytes);
      this.savedMedia.add(id);
    }
    const file = join(this.dir, 'state.json');
    writeFileSync(`${file}.tmp`, JSON.stringify(world));
    renameSync(`${file}.tmp`, file);
  }
}
