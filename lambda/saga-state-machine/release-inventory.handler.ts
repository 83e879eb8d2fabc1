import { releaseInventory } from './order-saga';
import { createStepHandler } from './step-handler';

/** Saga compensation of reserve-inventory: releases the reservation found under results[RESERVE_STEP]. */
const reserveStep = process.env.RESERVE_STEP ?? 'reserve-inventory';
export const handler = createStepHandler('inventory released', (event) => releaseInventory(event, reserveStep));
