/**
 * Reading `docker service inspect` output (a JSON array; one object is accepted too): the name,
 * the image (`Spec.TaskTemplate.ContainerSpec.Image`, usually `name:tag@sha256:…` once Swarm has
 * pinned it) and the service labels (`Spec.Labels`) of each service.
 */
import { BadRequest } from '../domain/errors.ts';

export interface InspectedService {
  readonly name: string;
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
}

export function parseServiceInspect(text: string, where: string): InspectedService[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BadRequest(
      `${where} is not JSON (expected the output of docker service inspect): ${(error as Error).message}`,
    );
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  return items.map((item, index) => {
    const spec = field(item, 'Spec');
    const name = field(spec, 'Name');
    const image = field(field(field(spec, 'TaskTemplate'), 'ContainerSpec'), 'Image');
    if (typeof image !== 'string' || image === '') {
      throw new BadRequest(
        `${where}: service ${typeof name === 'string' ? name : `#${index + 1}`} has no Spec.TaskTemplate.ContainerSpec.Image`,
      );
    }
    const labels: Record<string, string> = {};
    const raw = field(spec, 'Labels');
    if (raw && typeof raw === 'object') {
      for (const [key, value] of Object.entries(raw)) if (typeof value === 'string') labels[key] = value;
    }
    return { name: typeof name === 'string' && name !== '' ? name : `#${index + 1}`, image, labels };
  });
}

function field(value: unknown, key: string): unknown {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
