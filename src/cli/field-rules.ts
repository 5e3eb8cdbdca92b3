/**
 * The name rules the CLI checks before calling the API: the API's own TypeBox rules (one rule
 * set; the CLI only asks earlier), each with the `hint` the API would answer with.
 */
export {
  GROUP_NAME as groupName,
  REGISTRY_SERVICE as registryService,
  ROBOT_NAME as robotName,
  SERVICE_NAME as serviceName,
  USER_NAME as personName,
} from '../server/routes/api/schemas.ts';
