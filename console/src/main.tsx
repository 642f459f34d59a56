import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/client.ts';
import { App } from './app.tsx';
import { adoptPathRoute } from './router.ts';
import './styles.css';

adoptPathRoute();
createRoot(document.getElementById('root')!).render(<StrictMode><App client={createApiClient()} /></StrictMode>);
