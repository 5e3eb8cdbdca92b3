/**
 * The host to check a credential against: Docker Hub's registry answers at registry-1.docker.io
 * (docker.io itself is the website), the way `docker login` and `vault check` reach it.
 */
import { DOCKER_HUB } from '../domain/registry-address.ts';

export function verificationTarget(registry: string): string {
  return registry === DOCKER_HUB ? 'registry-1.docker.io' : registry;
}
