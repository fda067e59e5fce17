import type { JobKind } from '../jobs/job-kind.ts';
import { exerciseInjectJob } from './exercises.service.ts';

/** Job kinds of exercises. */
export const exerciseJobKinds: readonly JobKind[] = [exerciseInjectJob];
